/**
 * Names a Python module can read without defining them. A cell that reads one of these does not depend on
 * another cell for it, unless some cell rebinds the name (`id = 3`, `input = df`): the analysis reports
 * such reads separately (`builtinUses`) so the step graph can still see the dependency.
 */

/**
 * `dir(builtins)` of CPython 3.8 to 3.14 (the union: `aiter`/`anext`/`EncodingWarning` arrived in 3.10,
 * `BaseExceptionGroup`/`ExceptionGroup` in 3.11, `PythonFinalizationError` in 3.13), with the `site`
 * additions (`exit`, `quit`, `help`, `copyright`, `credits`, `license`) and the module attributes every
 * module has (`__name__`, `__file__` ...).
 */
export const PYTHON_BUILTINS: ReadonlySet<string> = new Set([
  // constants
  'False', 'None', 'True', 'Ellipsis', 'NotImplemented', '__debug__',
  // functions and types
  'abs', 'aiter', 'all', 'anext', 'any', 'ascii', 'bin', 'bool', 'breakpoint', 'bytearray', 'bytes', 'callable',
  'chr', 'classmethod', 'compile', 'complex', 'delattr', 'dict', 'dir', 'divmod', 'enumerate', 'eval', 'exec',
  'filter', 'float', 'format', 'frozenset', 'getattr', 'globals', 'hasattr', 'hash', 'hex', 'id', 'input', 'int',
  'isinstance', 'issubclass', 'iter', 'len', 'list', 'locals', 'map', 'max', 'memoryview', 'min', 'next', 'object',
  'oct', 'open', 'ord', 'pow', 'print', 'property', 'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice',
  'sorted', 'staticmethod', 'str', 'sum', 'super', 'tuple', 'type', 'vars', 'zip', '__build_class__', '__import__',
  // site
  'copyright', 'credits', 'exit', 'help', 'license', 'quit',
  // exceptions and warnings
  'ArithmeticError', 'AssertionError', 'AttributeError', 'BaseException', 'BaseExceptionGroup', 'BlockingIOError',
  'BrokenPipeError', 'BufferError', 'BytesWarning', 'ChildProcessError', 'ConnectionAbortedError', 'ConnectionError',
  'ConnectionRefusedError', 'ConnectionResetError', 'DeprecationWarning', 'EOFError', 'EncodingWarning',
  'EnvironmentError', 'Exception', 'ExceptionGroup', 'FileExistsError', 'FileNotFoundError', 'FloatingPointError',
  'FutureWarning', 'GeneratorExit', 'IOError', 'ImportError', 'ImportWarning', 'IndentationError', 'IndexError',
  'InterruptedError', 'IsADirectoryError', 'KeyError', 'KeyboardInterrupt', 'LookupError', 'MemoryError',
  'ModuleNotFoundError', 'NameError', 'NotADirectoryError', 'NotImplementedError', 'OSError', 'OverflowError',
  'PendingDeprecationWarning', 'PermissionError', 'ProcessLookupError', 'PythonFinalizationError', 'RecursionError',
  'ReferenceError', 'ResourceWarning', 'RuntimeError', 'RuntimeWarning', 'StopAsyncIteration', 'StopIteration',
  'SyntaxError', 'SyntaxWarning', 'SystemError', 'SystemExit', 'TabError', 'TimeoutError', 'TypeError',
  'UnboundLocalError', 'UnicodeDecodeError', 'UnicodeEncodeError', 'UnicodeError', 'UnicodeTranslateError',
  'UnicodeWarning', 'UserWarning', 'ValueError', 'Warning', 'ZeroDivisionError',
  // module attributes
  '__name__', '__doc__', '__file__', '__spec__', '__loader__', '__package__', '__builtins__', '__cached__',
  '__annotations__',
]);

/**
 * Functions IPython puts in a notebook's namespace that plain Python lacks. Reads of them are reported as
 * `ipythonUses`: the generated code has no such names. (The history names `In`, `Out`, `_`, `_i` ... are
 * left out on purpose: they are also ordinary variable names, and a cell that reads them still needs them.)
 */
export const IPYTHON_NAMES: ReadonlySet<string> = new Set(['display', 'get_ipython']);

/** True for a name Python provides to every module (see {@link PYTHON_BUILTINS}). */
export function isBuiltin(name: string): boolean {
  return PYTHON_BUILTINS.has(name);
}
