// dynalite loads `level` (on-disk LevelDB, a native addon) at start-up but only uses it when
// given a path; the CLI bundle runs dynalite in memory, so `level` is replaced by this.
export class Level {
  constructor() {
    throw new Error('the embedded DynamoDB runs in memory only');
  }
}
