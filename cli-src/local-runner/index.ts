export * from './cloudformation';
export * from './execution-trace';
export * from './local-dynamodb';
export * from './local-secrets-manager';
export * from './local-workflow-runner';
export * from './task-handlers';
