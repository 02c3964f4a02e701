import { IConstruct } from 'constructs';

// aws-cdk-lib's own ValidationError is marked (its constructor signature has changed
// between releases), so the library throws this one. It carries the same markers as the CDK's,
// so `Errors.isValidationError(e)` from aws-cdk-lib recognises it.
const CONSTRUCT_ERROR_SYMBOL = Symbol.for('@aws-cdk/core.SynthesisError');
const VALIDATION_ERROR_SYMBOL = Symbol.for('@aws-cdk/core.ValidationError');

/**
 * A prop failed validation at synth time. The message starts with the prop's name.
 */
export class ValidationError extends Error {
  /** Path of the construct the error relates to, if any. */
  public readonly constructPath?: string;

  constructor(prop: string, message: string, scope?: IConstruct) {
    super(`${prop}: ${message}${scope ? ` (at ${scope.node.path})` : ''}`);
    Object.setPrototypeOf(this, ValidationError.prototype);
    this.name = 'ValidationError';
    this.constructPath = scope?.node.path;
    Object.defineProperty(this, CONSTRUCT_ERROR_SYMBOL, { value: true });
    Object.defineProperty(this, VALIDATION_ERROR_SYMBOL, { value: true });
  }
}
