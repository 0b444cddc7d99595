import { BadUserInputException } from '../errors/app.exception.js';

/** A client-given count (`first`, `maxTagsPerAsset`, …) must be a whole number in 1..max. */
export function requireCount(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new BadUserInputException(`${name} must be between 1 and ${max}`);
  }
  return value;
}
