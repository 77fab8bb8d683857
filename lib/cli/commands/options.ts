// Builders several commands share: a command on one store (its <db> argument first), and
// the embedding-space and output-format options.
import { Command, Option } from 'commander';
import { parseSpace } from '../common';
import { POINT_FORMATS } from '../output';

export const spaceOption = () => new Option('-s, --space <id>', 'embedding space id').argParser(parseSpace).default(0);
export const formatOption = () => new Option('-f, --format <format>', 'output format').choices(POINT_FORMATS as string[]).default('json');

/** A command whose first argument is the store directory <db>. */
export const storeCommand = (name: string, description: string) =>
  new Command(name).description(description).argument('<db>', 'store directory');
