import { goBinary } from '../../common/go-binary.js';
import { RunnerError, RunnerErrorCodes } from './errors.js';

/** The Go load engine (loadtests/engine), built when its sources changed. */
export function engineBinary(): string {
  const bin = goBinary('engine');
  if (bin === null)
    throw new RunnerError(
      RunnerErrorCodes.ENGINE_BUILD_FAILED,
      'could not build the load engine (scripts/build-engine.sh failed; see above)',
    );
  return bin;
}
