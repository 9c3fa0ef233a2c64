import { CodedError, type CodeOf } from '../../common/errors.js';

/** Errors of the runner (starting the load generators and the parts of a run), with stable codes. */
export const RunnerErrorCodes = {
  /** scripts/build-engine.sh failed: the Go engine could not be built. */
  ENGINE_BUILD_FAILED: 'RUNNER_ERR_ENGINE_BUILD_FAILED',
  /** `--engine k6` without a k6 to run (busybench never installs k6: AGPL). */
  K6_NOT_FOUND: 'RUNNER_ERR_K6_NOT_FOUND',
  /** A strategy given by URL that is not on this machine (run and compare load loopback only). */
  TARGET_REFUSED: 'RUNNER_ERR_TARGET_REFUSED',
  /** BUSYBENCH_ENGINE_CPUS is not a CPU list of this machine (`0`, `0,2`, `0-1`). */
  ENGINE_CPUS: 'RUNNER_ERR_ENGINE_CPUS',
  /**
   * A load generator ended in failure (an exit other than 0 or 99, or a signal) while nobody
   * interrupted the run: its figures are not a run's, whatever the verdict on them says.
   */
  LOAD_FAILED: 'RUNNER_ERR_LOAD_FAILED',
} as const;

export class RunnerError extends CodedError<CodeOf<typeof RunnerErrorCodes>> {}
