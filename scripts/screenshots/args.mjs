// The command line of `npm run screenshots`, as a pure function so a unit test can hold it to its help text.

export const DEFAULT_OUT = 'docs/screenshots';

export const USAGE = `Usage: npm run screenshots -- [--out DIR] [--only NAME,...] [--variant light|dark|phone,...]

Starts the built console on a fresh database with a little demo data, then writes every page and main
dialog as <name>-<variant>.png (light and dark at 1440x900, phone at 390x844) to DIR (default ${DEFAULT_OUT}).
  --out DIR        where the PNGs go (created if missing; files of the same name are replaced)
  --only NAMES     only these shots, e.g. --only providers,playground (a name matches itself and its dialogs:
                   "credentials" also takes credentials-add, credentials-delete, credentials-verify)
  --variant NAMES  only these variants, e.g. --variant dark
  --help           this text`;

/**
 * @typedef {{ out: string, only: string[], variants: string[], help: boolean }} ScreenshotArgs
 */

/**
 * @param {string[]} argv the arguments after the script's name
 * @param {readonly string[]} variantNames the variants there are
 * @returns {ScreenshotArgs}
 */
export function parseArgs(argv, variantNames) {
  /** @type {ScreenshotArgs} */
  const args = { out: DEFAULT_OUT, only: [], variants: [...variantNames], help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i] ?? '');
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--out') args.out = value();
    else if (flag === '--only') args.only = list(value());
    else if (flag === '--variant') {
      args.variants = list(value());
      const unknown = args.variants.filter((v) => !variantNames.includes(v));
      if (unknown.length) throw new Error(`unknown variant ${unknown.join(', ')}: choose from ${variantNames.join(', ')}`);
    } else throw new Error(`unknown argument ${flag}`);
  }
  return args;
}

/**
 * `--out=x` and `--out x` both work.
 * @param {string} arg
 * @returns {[string, string | undefined]}
 */
function splitFlag(arg) {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/** @param {string} text */
function list(text) {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Whether a shot is selected by --only: its own name, or the page it belongs to ("credentials" takes
 * "credentials-delete").
 * @param {string} shot
 * @param {string[]} only
 */
export function selected(shot, only) {
  return only.length === 0 || only.some((name) => shot === name || shot.startsWith(`${name}-`));
}
