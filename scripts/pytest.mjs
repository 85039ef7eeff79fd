// Runs pytest with the configured Python: NBPROMOTE_PYTHON, else Debian's /usr/bin/python3 when it exists,
// else python3. Arguments are passed to pytest.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const python = process.env.NBPROMOTE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const result = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
