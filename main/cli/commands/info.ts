import { appInfo } from '../../services/app-info';
import type { Command } from '../command';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the version, the data folder and what it holds',
  help: `Usage: model-lab info [--json]

Prints Model Lab's version, the data folder in use (and why), and how many datasets and
checkpoints it holds.

Options:
  --json   print one JSON object instead of text`,
  options: { json: { type: 'boolean' } },
  async run(args, context) {
    const info = await appInfo(context.data, 'web');
    if (args.values.json) {
      const { host: _host, ...rest } = info;
      context.stdout(JSON.stringify(rest) + '\n');
      return;
    }
    context.stdout(
      `${info.name} ${info.version}\n` +
        `data folder  ${info.dataDir} (${{ flag: 'from --data-dir', env: 'from MODEL_LAB_DATA', default: 'default' }[info.dataDirSource]})\n` +
        `datasets     ${info.datasets}\n` +
        `checkpoints  ${info.checkpoints}\n`,
    );
  },
};
