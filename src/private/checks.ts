import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ValidationError } from './validation-error';

/** Throws unless `value` is an integer in [min, max]. Tokens pass (checked at deploy time). */
export function checkInteger(scope: IConstruct, prop: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(prop, `must be an integer from ${min} to ${max}, got ${value}`, scope);
  }
}

/** Throws unless `value` is a number in [min, max]. */
export function checkNumber(scope: IConstruct, prop: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ValidationError(prop, `must be a number from ${min} to ${max}, got ${value}`, scope);
  }
}

/** Throws unless `value` is a whole number of seconds in [min, max]; returns the seconds. */
export function checkWholeSeconds(scope: IConstruct, prop: string, value: Duration, min: Duration, max: Duration): number {
  const millis = value.toMilliseconds();
  if (millis % 1000 !== 0) {
    throw new ValidationError(prop, `must be a whole number of seconds, got ${value.toHumanString()}`, scope);
  }
  if (millis < min.toMilliseconds() || millis > max.toMilliseconds()) {
    throw new ValidationError(prop, `must be from ${min.toHumanString()} to ${max.toHumanString()}, got ${value.toHumanString()}`, scope);
  }
  return millis / 1000;
}
