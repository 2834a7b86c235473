/**
 * The accepted name nearest to a misspelt one, for "did you mean …?" hints: Levenshtein distance, case-insensitive,
 * at most a third of the name's length (and at least 1) so unrelated names are not suggested.
 *
 * @param name - What the caller wrote.
 * @param accepted - The names that are accepted.
 * @returns The nearest accepted name, or `undefined` when none is close.
 */
export function closestName(name: string, accepted: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of accepted) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// Two-row dynamic programme; gives up early once every cell of a row exceeds `ceiling`.
function editDistance(left: string, right: string, ceiling: number): number {
  if (Math.abs(left.length - right.length) >= ceiling) return ceiling;
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    let rowMinimum = row;
    for (let column = 1; column <= right.length; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      const value = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum >= ceiling) return ceiling;
    previous = current;
  }
  return previous[right.length]!;
}
