// Entry for the vendored yargs bundle (dist/src/vendor/yargs.js, built by `npm run build`):
// one pre-bundled file loads in about half the time of yargs' many ESM modules, which is most
// of `emvsim --help`'s start-up (see the `cli` bench).
export { default as yargs } from 'yargs';
export { hideBin } from 'yargs/helpers';
