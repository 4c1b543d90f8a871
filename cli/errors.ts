import { ConfigError } from '../config/index.ts';
import { ModelFileError } from '../models/index.ts';

/** Errors a user can fix are printed as one clear line; anything else keeps its stack. */
export function reportFatal(err: unknown): never {
  if (err instanceof ConfigError || err instanceof ModelFileError || (err as { userFacing?: boolean })?.userFacing) {
    console.error(`understudy: ${(err as Error).message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
}
