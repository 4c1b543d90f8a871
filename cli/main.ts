import { reportFatal } from './errors.ts';
import { createProgram } from './program.ts';

createProgram().parseAsync(process.argv).catch(reportFatal);
