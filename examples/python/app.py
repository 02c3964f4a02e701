#!/usr/bin/env python3
"""The example app in Python: the same construct usage as examples/app.ts.

Synthesize with `cdk synth` in this directory, after
`python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt`.
"""
import os

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from templated_api_caller import (
    ApiTemplate,
    RetryPolicy,
    StatusRange,
    TemplatedApiCaller,
    TemplateTableProps,
)


class TemplatedApiCallerExample(cdk.Stack):
    """One stack with a TemplatedApiCaller and an operator role."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(
            scope,
            construct_id,
            description="templated-api-caller example: call HTTP APIs from templates stored in DynamoDB",
            **kwargs,
        )

        # The orders API key lives in Secrets Manager; templates use it as {{ secrets.ordersApiKey }}.
        orders_api_key = secretsmanager.Secret.from_secret_name_v2(self, "OrdersApiKey", "orders/api-key")

        caller = TemplatedApiCaller(
            self,
            "ApiCaller",
            table_props=TemplateTableProps(removal_policy=cdk.RemovalPolicy.DESTROY),
            # Reviewed in code, written to the table at deploy time (examples/templates/*.yaml).
            templates=ApiTemplate.from_directory(os.path.join(os.path.dirname(__file__), "..", "templates")),
            secrets={"ordersApiKey": orders_api_key},
            allowed_hosts=["api.example.com", "hooks.example.com"],
            success_status=StatusRange.between(200, 299),
            retry=RetryPolicy.backoff(max_attempts=3, interval=cdk.Duration.seconds(2)),
            default_call_timeout=cdk.Duration.seconds(10),
        )

        # A role that may start executions and manage templates, e.g. for an operator or a CI job.
        operator = iam.Role(self, "Operator", assumed_by=iam.AccountRootPrincipal())
        caller.grant_start_execution(operator)
        caller.grant_template_write(operator)

        cdk.CfnOutput(self, "StateMachineArn", value=caller.state_machine.state_machine_arn)
        cdk.CfnOutput(self, "TemplateTableName", value=caller.table.table_name)


app = cdk.App()
TemplatedApiCallerExample(app, "TemplatedApiCallerExample")
app.synth()
