import { Duration } from 'aws-cdk-lib';

/**
 * Budgets of one template render. A template is configuration, so no template, however
 * written, may hang the renderer or exhaust its memory: the first budget a render crosses ends
 * it with `TemplateRenderError` naming the limit, and the function stays healthy for the next
 * call. The defaults leave ordinary templates (and most unusual ones) far inside the limits.
 */
export interface RenderLimits {
  /**
   * Loop iterations, macro calls and filter calls in one render.
   *
   * @default 1000000
   */
  readonly maxSteps?: number;

  /**
   * Nested macro and `caller()` calls (recursion depth).
   *
   * @default 100
   */
  readonly maxCallDepth?: number;

  /**
   * Nesting of brackets and block tags in a template's source.
   *
   * @default 100
   */
  readonly maxNesting?: number;

  /**
   * Characters of any one string a render builds, the rendered text included.
   *
   * @default 6291456 (6 MiB, the largest synchronous Lambda request)
   */
  readonly maxStringLength?: number;

  /**
   * Items of any one list a render builds.
   *
   * @default 100000
   */
  readonly maxListLength?: number;

  /**
   * Characters and list items built over a whole render, intermediate values included.
   *
   * @default 67108864 (64 Mi)
   */
  readonly maxTotalAllocation?: number;

  /**
   * Wall-clock time of one render (whole milliseconds).
   *
   * @default Duration.seconds(1)
   */
  readonly timeout?: Duration;
}
