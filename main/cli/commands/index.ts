// The CLI's subcommands. Each lives in its own file beside this one; add it to this list.
import type { Command } from '../command';
import { dataCommand } from './data';
import { infoCommand } from './info';
import { summaryCommand } from './summary';

export const commands: Command[] = [infoCommand, summaryCommand, dataCommand];
