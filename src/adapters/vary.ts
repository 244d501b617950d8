/** `existing` plus `fields`, each field once (RFC 9110 §12.5.5: Vary is a comma-separated list). */
export function withVary(existing: string | string[] | number | undefined, fields: string): string {
  const listed = (Array.isArray(existing) ? existing.join(',') : String(existing ?? '')).split(',');
  const names = listed.map((name) => name.trim()).filter((name) => name.length > 0);
  for (const field of fields.split(',').map((name) => name.trim())) {
    if (!names.some((name) => name === '*' || name.toLowerCase() === field.toLowerCase())) names.push(field);
  }
  return names.join(', ');
}
