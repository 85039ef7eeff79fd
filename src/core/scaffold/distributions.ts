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
  google: 'protobuf',
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
};

/** Modules of the Python 3.9+ standard library that notebooks commonly import (and all top-level ones). */
const stdlib = new Set(
  (
    '__future__ abc argparse array ast asyncio base64 bisect builtins bz2 calendar cmath collections colorsys ' +
    'concurrent configparser contextlib copy csv ctypes dataclasses datetime decimal difflib dis email enum ' +
    'errno faulthandler fnmatch fractions functools gc getpass gettext glob gzip hashlib heapq hmac html http ' +
    'imaplib importlib inspect io ipaddress itertools json keyword linecache locale logging lzma math mimetypes ' +
    'multiprocessing numbers operator os pathlib pickle platform pprint profile pstats queue random re reprlib ' +
    'sched secrets select shelve shlex shutil signal site smtplib socket sqlite3 ssl stat statistics string ' +
    'struct subprocess sys sysconfig tarfile tempfile textwrap threading time timeit tkinter token tokenize ' +
    'traceback types typing unicodedata unittest urllib uuid venv warnings weakref xml zipfile zlib zoneinfo'
  ).split(' '),
);

/** True for a module of the standard library (as far as the list above knows). */
export function isStdlibModule(module: string): boolean {
  return stdlib.has(module);
}

export function distributionFor(module: string): string | undefined {
  if (stdlib.has(module)) return undefined;
  return known[module] ?? module;
}
