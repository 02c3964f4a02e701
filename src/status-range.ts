/**
 * An inclusive range of HTTP status codes, e.g. the statuses that count as success.
 *
 * @example
 * StatusRange.between(200, 299);
 * StatusRange.of(204);
 */
export class StatusRange {
  /**
   * Every status from `low` to `high`, both included.
   *
   * @param low the lowest status in the range (100-599)
   * @param high the highest status in the range (100-599, at least `low`)
   */
  public static between(low: number, high: number): StatusRange {
    return new StatusRange(low, high);
  }

  /**
   * Exactly one status.
   *
   * @param status the status (100-599)
   */
  public static of(status: number): StatusRange {
    return new StatusRange(status, status);
  }

  /** The lowest status in the range. */
  public readonly low: number;
  /** The highest status in the range. */
  public readonly high: number;

  private constructor(low: number, high: number) {
    this.low = low;
    this.high = high;
  }

  /**
   * Whether `status` lies in the range.
   */
  public includes(status: number): boolean {
    return status >= this.low && status <= this.high;
  }

  /**
   * The range as text, e.g. `200-299` or `204`.
   */
  public toString(): string {
    return this.low === this.high ? `${this.low}` : `${this.low}-${this.high}`;
  }
}
