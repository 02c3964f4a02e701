import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { checkNumber, checkWholeSeconds } from './private/checks';
import { ValidationError } from './private/validation-error';
import { HttpMethod } from './template-model';

/**
 * Per-template metrics of a `TemplatedApiCaller`: the renderer writes them as CloudWatch Embedded
 * Metric Format fields of its one log line per call (no API calls, no extra log line).
 */
export interface TemplateMetricsOptions {
  /**
   * CloudWatch namespace of the metrics (letters, digits and `. - _ / # :` or spaces; not `AWS/…`).
   *
   * @default 'TemplatedApiCaller'
   */
  readonly namespace?: string;

  /**
   * A CloudWatch dashboard with one row per template: calls, errors, latency p50/p99.
   *
   * @default true
   */
  readonly dashboard?: boolean;

  /**
   * Name of the dashboard.
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;

  /**
   * An alarm per template on its error rate (errors per call, in percent) above `errorRateThreshold`.
   *
   * @default true
   */
  readonly errorRateAlarms?: boolean;

  /**
   * Error rate, in percent of calls, above which a template's alarm fires (0 to 100).
   *
   * @default 5
   */
  readonly errorRateThreshold?: number;

  /**
   * Period of the dashboard's graphs and of the alarms (a whole number of minutes).
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * SNS topic notified when an error-rate alarm fires and when it is back to OK.
   *
   * @default - no notification
   */
  readonly topic?: sns.ITopic;
}

/**
 * Metric names and dimensions of the renderer's Embedded Metric Format fields (the members of
 * its log line; lambda-src/renderer/metrics.ts writes them).
 */
export class TemplateMetricNames {
  /** Calls (attempts) made, per template and method. */
  public static readonly CALLS = 'calls';
  /** Whole call duration, in milliseconds. */
  public static readonly LATENCY = 'durationMs';
  /** From sending the request to the response headers, in milliseconds. */
  public static readonly TIME_TO_FIRST_BYTE = 'timeToFirstByteMs';
  /** Calls that ended in an error (also per error name, dimension `error`). */
  public static readonly ERRORS = 'errors';
  /** Calls that were retries of an earlier attempt. */
  public static readonly RETRIES = 'retries';
  /** Calls that waited for a slot under the template's rate limit. */
  public static readonly RATE_LIMIT_WAITS = 'rateLimitWaits';
  /** Dimension: the template name. */
  public static readonly TEMPLATE_DIMENSION = 'template';
  /** Dimension: the HTTP method. */
  public static readonly METHOD_DIMENSION = 'method';
  /** Dimension (with template and method) of the errors per error name. */
  public static readonly ERROR_DIMENSION = 'error';

  private constructor() {}
}

const NAMESPACE = /^[A-Za-z0-9._\-/#: ]{1,255}$/;

/**
 * The dashboard and error-rate alarms of a caller's per-template metrics
 * (`TemplatedApiCallerProps.metrics`). Rows and alarms are added per template: for the
 * templates the caller seeds, and with `addTemplate()` for those put outside the stack.
 */
export class TemplateMetrics extends Construct {
  /** The CloudWatch namespace the renderer writes to. */
  public readonly namespace: string;
  /** The dashboard (undefined when `dashboard` is false). */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The error-rate alarms, in the order templates were added. */
  public readonly errorRateAlarms: cloudwatch.Alarm[] = [];

  private readonly options: TemplateMetricsOptions;
  private readonly period: Duration;
  private readonly threshold: number;
  private readonly added = new Set<string>();

  constructor(scope: Construct, id: string, options: TemplateMetricsOptions = {}) {
    super(scope, id);
    this.namespace = options.namespace ?? 'TemplatedApiCaller';
    if (!NAMESPACE.test(this.namespace) || this.namespace.startsWith('AWS/') || this.namespace.startsWith(':')) {
      throw new ValidationError('metrics.namespace', `must be 1 to 255 letters, digits, spaces or . - _ / # : (not starting with AWS/ or :), got ${JSON.stringify(this.namespace)}`, this);
    }
    this.period = options.period ?? Duration.minutes(5);
    if (checkWholeSeconds(this, 'metrics.period', this.period, Duration.minutes(1), Duration.days(1)) % 60 !== 0) {
      throw new ValidationError('metrics.period', `must be a whole number of minutes, got ${this.period.toHumanString()}`, this);
    }
    this.threshold = options.errorRateThreshold ?? 5;
    checkNumber(this, 'metrics.errorRateThreshold', this.threshold, 0, 100);
    if (options.errorRateAlarms === false && options.errorRateThreshold !== undefined) {
      throw new ValidationError('metrics.errorRateThreshold', 'applies to the error-rate alarms, which `errorRateAlarms: false` turns off', this);
    }
    if (options.dashboard === false && options.dashboardName !== undefined) {
      throw new ValidationError('metrics.dashboardName', 'names the dashboard, which `dashboard: false` turns off', this);
    }
    this.options = options;
    if (options.dashboard !== false) {
      this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: options.dashboardName });
      this.dashboard.addWidgets(new cloudwatch.TextWidget({
        markdown: `## API calls by template (namespace ${this.namespace})`,
        width: 24,
        height: 1,
      }));
    }
  }

  /**
   * Adds a dashboard row and an error-rate alarm for a template (once per name and method).
   */
  public addTemplate(templateName: string, method: HttpMethod): void {
    const key = `${templateName} ${method}`;
    if (this.added.has(key)) return;
    this.added.add(key);
    const calls = this.metricCalls(templateName, method);
    const errors = this.metricErrors(templateName, method);
    this.dashboard?.addWidgets(
      new cloudwatch.GraphWidget({ title: `${key}: calls`, left: [calls], width: 8 }),
      new cloudwatch.GraphWidget({ title: `${key}: errors`, left: [errors], right: [this.errorRate(templateName, method)], width: 8 }),
      new cloudwatch.GraphWidget({
        title: `${key}: latency`,
        left: [this.metricLatency(templateName, method, { statistic: 'p50', label: 'p50' }), this.metricLatency(templateName, method, { statistic: 'p99', label: 'p99' })],
        width: 8,
      }),
    );
    if (this.options.errorRateAlarms === false) return;
    const alarm = new cloudwatch.Alarm(this, `ErrorRate-${key.replace(/\//g, '_')}`, {
      metric: this.errorRate(templateName, method),
      threshold: this.threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No calls in a period is no evidence of errors.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Template ${key}: more than ${this.threshold} % of calls failed (templated-api-caller ${this.node.path})`,
    });
    if (this.options.topic) {
      alarm.addAlarmAction(new actions.SnsAction(this.options.topic));
      alarm.addOkAction(new actions.SnsAction(this.options.topic));
    }
    this.errorRateAlarms.push(alarm);
  }

  /** Calls (attempts) of a template, summed over the period. */
  public metricCalls(templateName: string, method: HttpMethod, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(TemplateMetricNames.CALLS, templateName, method, { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Calls of a template that ended in an error, summed over the period. */
  public metricErrors(templateName: string, method: HttpMethod, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(TemplateMetricNames.ERRORS, templateName, method, { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Call duration of a template in milliseconds (p99 unless `statistic` says otherwise). */
  public metricLatency(templateName: string, method: HttpMethod, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(TemplateMetricNames.LATENCY, templateName, method, { statistic: 'p99', ...props });
  }

  private metric(name: string, templateName: string, method: HttpMethod, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: name,
      dimensionsMap: { [TemplateMetricNames.TEMPLATE_DIMENSION]: templateName, [TemplateMetricNames.METHOD_DIMENSION]: method },
      period: this.period,
      ...props,
    });
  }

  // Errors are written only when they happen: a period without any is FILLed with 0.
  private errorRate(templateName: string, method: HttpMethod): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: '100 * FILL(errors, 0) / calls',
      usingMetrics: { errors: this.metricErrors(templateName, method), calls: this.metricCalls(templateName, method) },
      label: 'error rate (%)',
      period: this.period,
    });
  }
}
