// The CLI's subcommands. Each lives in its own file beside this one; add it to this list.
import type { Command } from '../command';
import { dataCommand } from './data';
import { evalCommand } from './eval';
import { exportCommand } from './export';
import { importCommand } from './import';
import { infoCommand } from './info';
import { predictCommand } from './predict';
import { summaryCommand } from './summary';
import { trainCommand } from './train';

export const commands: Command[] = [infoCommand, summaryCommand, dataCommand, trainCommand, evalCommand, importCommand, exportCommand, predictCommand];
