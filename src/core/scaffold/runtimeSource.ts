/** The text of the `_runtime.py` every generated package ships (bundled as text). */
import runtime from './templates/runtime.py';

export const runtimeSource: string = runtime;
