// The example app: one stack with a TemplatedApiCaller. The README, the demo and the tests use it.
// Synthesize with `npx ts-node --project tsconfig.dev.json examples/app.ts`.
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ApiAuth, ApiTemplate, AuthSecret, RetryPolicy, StatusRange, TemplatedApiCaller } from '../src';

export function buildExampleApp(app = new cdk.App()): { app: cdk.App; stack: cdk.Stack; caller: TemplatedApiCaller } {
  const stack = new cdk.Stack(app, 'TemplatedApiCallerExample', {
    description: 'templated-api-caller example: call HTTP APIs from templates stored in DynamoDB',
  });

  // The orders API key lives in Secrets Manager; templates use it as {{ secrets.ordersApiKey }}.
  const ordersApiKey = secretsmanager.Secret.fromSecretNameV2(stack, 'OrdersApiKey', 'orders/api-key');
  // The billing API wants OAuth2 tokens: the client secret is a field of a JSON secret.
  const billingClient = secretsmanager.Secret.fromSecretNameV2(stack, 'BillingClient', 'billing/client');

  const caller = new TemplatedApiCaller(stack, 'ApiCaller', {
    tableProps: { removalPolicy: cdk.RemovalPolicy.DESTROY },
    // Reviewed in code, written to the table at deploy time (examples/templates/*.yaml).
    templates: ApiTemplate.fromDirectory(path.join(__dirname, 'templates')),
    secrets: { ordersApiKey },
    // Templates name a profile (`auth: billing`); tokens are fetched, cached and refreshed by the renderer.
    auth: {
      billing: ApiAuth.oauth2ClientCredentials({
        tokenUrl: 'https://auth.example.com/oauth/token',
        clientId: 'orders-service',
        clientSecret: AuthSecret.fromJsonField(billingClient, 'clientSecret'),
        scopes: ['invoices:read'],
      }),
    },
    allowedHosts: ['api.example.com', 'hooks.example.com', 'auth.example.com'],
    successStatus: StatusRange.between(200, 299),
    retry: RetryPolicy.backoff({ maxAttempts: 3, interval: cdk.Duration.seconds(2) }),
    defaultCallTimeout: cdk.Duration.seconds(10),
  });

  // A role that may start executions and manage templates, e.g. for an operator or a CI job.
  const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
  caller.grantStartExecution(operator);
  caller.grantTemplateWrite(operator);

  new cdk.CfnOutput(stack, 'StateMachineArn', { value: caller.stateMachine.stateMachineArn });
  new cdk.CfnOutput(stack, 'TemplateTableName', { value: caller.table.tableName });
  return { app, stack, caller };
}

if (require.main === module) buildExampleApp().app.synth();
