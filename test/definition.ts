// Reads the state machine definition out of a synthesized template. CloudFormation references
// inside the definition become readable placeholders (`${Ref:Logical}`, `${GetAtt:Logical.Attr}`,
// `${AWS::Partition}`), so assertions can still tell which resource a state points at.
import { Template } from 'aws-cdk-lib/assertions';

export interface AslState {
  readonly Type: string;
  readonly [key: string]: any;
}

export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly TimeoutSeconds?: number;
  readonly [key: string]: any;
}

export function placeholder(part: any): string {
  if (typeof part === 'string') return part;
  if (part.Ref !== undefined) return part.Ref.startsWith('AWS::') ? `\${${part.Ref}}` : `\${Ref:${part.Ref}}`;
  if (part['Fn::GetAtt'] !== undefined) return `\${GetAtt:${part['Fn::GetAtt'].join('.')}}`;
  throw new Error(`unexpected token in the definition: ${JSON.stringify(part)}`);
}

/** The definition of the only state machine in `template`. */
export function definitionOf(template: Template): AslDefinition {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const body = machines[0].Properties.DefinitionString;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map(placeholder).join(body['Fn::Join'][0]);
  return JSON.parse(text);
}

/** Every state of the definition, branches of Parallel states included, by name. */
export function allStates(definition: { States: Record<string, AslState> }): Record<string, AslState> {
  const states: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    states[name] = state;
    for (const branch of state.Branches ?? []) Object.assign(states, allStates(branch));
  }
  return states;
}
