// Option builders several commands share: the embedding space and the output format.
import { Option } from 'commander';
import { parseSpace } from '../common';
import { POINT_FORMATS } from '../output';

export const spaceOption = () => new Option('-s, --space <id>', 'embedding space id').argParser(parseSpace).default(0);
export const formatOption = () => new Option('-f, --format <format>', 'output format').choices(POINT_FORMATS as string[]).default('json');
