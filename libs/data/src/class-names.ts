/**
 * Names a user gives to a dataset's classes (`--class-names anterior,posterior`): checked
 * against the classes the data holds and put in place of the names from `dataset.json` or
 * the inferred `class_<code>` ones.
 */
import { ValidationError } from '../../core/src/index.js';
import type { ClassInfo } from './types.js';

/** Longest class name the registry stores. */
export const MAX_CLASS_NAME_LENGTH = 64;

/**
 * Checks a list of foreground class names: each 1..64 characters, not blank, no two alike.
 * @throws ValidationError naming the bad entry.
 */
export function checkClassNames(names: readonly string[]): string[] {
  if (names.length === 0) throw new ValidationError('no class names given');
  names.forEach((n, i) => {
    if (n.trim() === '' || n.length > MAX_CLASS_NAME_LENGTH)
      throw new ValidationError(
        `class name ${i + 1} ('${n}') must be 1..${MAX_CLASS_NAME_LENGTH} characters and not blank`,
      );
  });
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ValidationError(`class name '${twice}' is given twice`);
  return [...names];
}

/**
 * The classes with the foreground ones (index 1, 2, ..., in label-code order) renamed to
 * `names`; background (index 0) keeps its name.
 * @throws ValidationError when `names` does not hold exactly one name per foreground class.
 */
export function nameForegroundClasses(classes: readonly ClassInfo[], names: readonly string[]): ClassInfo[] {
  checkClassNames(names);
  const fg = classes.slice(1);
  if (names.length !== fg.length) {
    throw new ValidationError(
      `${names.length} class name(s) given (${names.join(', ')}), but the data has ${fg.length} foreground ` +
        `class(es) (label codes ${fg.map((c) => c.code).join(', ') || 'none'}): give one name per foreground ` +
        'class in label-code order, without background',
    );
  }
  return classes.map((c, i) => ({ ...c, name: i === 0 ? c.name : (names[i - 1] as string) }));
}
