#!/usr/bin/env bash
# Deploys the integration test app with the CDK CLI and destroys it again, whatever happened.
# The assertion stack's waiters fail its deployment when an execution does not end as expected,
# so a successful deploy is a passing test. Needs AWS credentials and a bootstrapped
# account/region (`npx cdk bootstrap`). Extra arguments go to `cdk deploy` (e.g. --profile).
set -uo pipefail
cd "$(dirname "$0")/../.."

app='npx ts-node --transpile-only --project tsconfig.dev.json test/integ/integ.templated-api-caller.ts'
out=test/integ/cdk-integ.out.deploy

npx cdk deploy --app "$app" --output "$out" --all --require-approval never "$@"
status=$?
npx cdk destroy --app "$app" --output "$out" --all --force "$@" || status=1
rm -rf "$out"
if [ "$status" -eq 0 ]; then echo "integration test passed"; else echo "integration test FAILED (status $status)"; fi
exit "$status"
