/**
 * Import name -> the distribution to `pip install`, where they differ or are not obvious. Standard-library
 * modules give undefined. A module not listed is assumed to be its own distribution name.
 */
const known: Readonly<Record<string, string>> = {
  sklearn: 'scikit-learn',
  skimage: 'scikit-image',
  cv2: 'opencv-python',
  PIL: 'pillow',
  yaml: 'pyyaml',
  bs4: 'beautifulsoup4',
  dateutil: 'python-dateutil',
  Bio: 'biopython',
  sentencepiece: 'sentencepiece',
  dotenv: 'python-dotenv',
  jwt: 'pyjwt',
  attr: 'attrs',
  Crypto: 'pycryptodome',
  OpenSSL: 'pyopenssl',
  serial: 'pyserial',
  magic: 'python-magic',
  docx: 'python-docx',
  pptx: 'python-pptx',
  umap: 'umap-learn',
  tensorflow_addons: 'tensorflow-addons',
  IPython: 'ipython',
  imblearn: 'imbalanced-learn',
  skopt: 'scikit-optimize',
  scikitplot: 'scikit-plot',
  mpl_toolkits: 'matplotlib',
  pylab: 'matplotlib',
  fitz: 'pymupdf',
  MySQLdb: 'mysqlclient',
  slugify: 'python-slugify',
  jose: 'python-jose',
  googleapiclient: 'google-api-python-client',
  // (PyPI's `janitor` is another project: round 78 NON.)
  janitor: 'pyjanitor',
};

/**
 * Modules that only a hosted notebook's own runtime provides (Colab's `google.colab`, Kaggle's `kaggle_secrets`):
 * no distribution installs them. Matched on the dotted name's start.
 */
const HOSTED_ONLY = /^(?:google\.colab|kaggle_secrets|kaggle_datasets|kaggle_web_client|learntools)(?:\.|$)/;

/**
 * The `google.` namespace is shared by many distributions: the part after it names the one (`google.cloud.storage`
 * is google-cloud-storage, `google.generativeai` google-generativeai); round 51 MM found every `google.*` import
 * listed as protobuf.
 */
function googleDistribution(dotted: string): string | undefined {
  const parts = dotted.split('.');
  const second = parts[1];
  if (second === undefined) return undefined;
  if (second === 'protobuf') return 'protobuf';
  if (second === 'cloud') return parts[2] === undefined ? undefined : `google-cloud-${parts[2].replace(/_/g, '-')}`;
  if (second === 'oauth2' || second === 'auth') return 'google-auth';
  if (second === 'api_core') return 'google-api-core';
  return `google-${second.replace(/_/g, '-')}`;
}

/**
 * The top-level modules of the standard library: Python 3.11's `sys.stdlib_module_names` without the private
 * ones (modules later versions removed, like `imp` and `distutils`, stay: a notebook may still import them).
 */
const stdlib = new Set(
  (
    '__future__ abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb ' +
    'binascii bisect builtins bz2 calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys ' +
    'compileall concurrent configparser contextlib contextvars copy copyreg cProfile crypt csv ctypes curses ' +
    'dataclasses datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum errno ' +
    'faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt getpass ' +
    'gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib inspect ' +
    'io ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math ' +
    'mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt ntpath nturl2path numbers ' +
    'opcode operator optparse os ossaudiodev pathlib pdb pickle pickletools pipes pkgutil platform plistlib ' +
    'poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc pydoc_data pyexpat queue ' +
    'quopri random re readline reprlib resource rlcompleter runpy sched secrets select selectors shelve shlex ' +
    'shutil signal site smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants ' +
    'sre_parse ssl stat statistics string stringprep struct subprocess sunau symtable sys sysconfig syslog ' +
    'tabnanny tarfile telnetlib tempfile termios textwrap this threading time timeit tkinter token tokenize ' +
    'tomllib trace traceback tracemalloc tty turtle turtledemo types typing unicodedata unittest urllib uu ' +
    'uuid venv warnings wave weakref webbrowser winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile ' +
    'zipimport zlib zoneinfo'
  ).split(' '),
);

/**
 * Top-level modules that the libraries notebooks use import themselves (scikit-learn imports scipy and joblib,
 * pandas dateutil and pytz, pytest pluggy): a package named like one hides it from them too, even when the
 * notebook never imports it.
 */
const libraryModules = new Set(
  (
    'numpy scipy pandas sklearn joblib threadpoolctl matplotlib mpl_toolkits seaborn statsmodels patsy dateutil ' +
    'pytz tzdata six packaging pyparsing cycler kiwisolver fontTools PIL contourpy pluggy iniconfig _pytest pytest ' +
    'yaml IPython ipykernel traitlets jinja2 markupsafe requests urllib3 certifi charset_normalizer idna ' +
    'setuptools pkg_resources pip wheel typing_extensions attr xgboost lightgbm catboost torch tensorflow keras ' +
    'nbformat nbconvert jupyter_core jupyter_client tqdm numba llvmlite pyarrow sympy mpmath networkx'
  ).split(' '),
);

/** True for a module that the common data-science libraries import (see {@link libraryModules}). */
export function isLibraryModule(module: string): boolean {
  return libraryModules.has(module);
}

/** True for a module of the standard library (as far as the list above knows). */
export function isStdlibModule(module: string): boolean {
  return stdlib.has(module);
}

/**
 * The distribution to install for an imported module, by its dotted name (`google.cloud.storage`: the top-level
 * module alone says which for most); undefined for the standard library and for what only a hosted notebook's
 * runtime has.
 */
export function distributionFor(dotted: string): string | undefined {
  const module = dotted.split('.')[0] ?? dotted;
  if (stdlib.has(module) || HOSTED_ONLY.test(dotted)) return undefined;
  if (module === 'google') return googleDistribution(dotted);
  return known[module] ?? module;
}
