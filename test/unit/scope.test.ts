// Unit tests for which mapped tables a request from each channel covers.
import { describe, it, expect } from '@jest/globals';
import { CHANNEL_SCOPE, tablesInScope } from '../../functions/core/scope.js';
import { DELETION_REQUESTS_TABLE, mappedTables } from '../../functions/declarations/tables.js';

const ids = (tables: readonly { id: string }[]) => tables.map((table) => table.id);

describe('tablesInScope', () => {
  it('covers the MetaPlatformData table for a Facebook request', () => {
    expect(ids(tablesInScope('facebook', mappedTables()))).toContain('MetaPlatformData');
  });

  it('covers the MetaPlatformData table for an Instagram request', () => {
    expect(ids(tablesInScope('instagram', mappedTables()))).toContain('MetaPlatformData');
  });

  it('never lists a table that is not mapped (the deletion requests themselves are exempt)', () => {
    expect(ids(mappedTables())).not.toContain(DELETION_REQUESTS_TABLE.id);
    expect(ids(tablesInScope('facebook', mappedTables()))).not.toContain(DELETION_REQUESTS_TABLE.id);
  });

  it('can find a Facebook subject in every table it covers (each has a facebook_asid lookup)', () => {
    for (const table of tablesInScope('facebook', mappedTables())) {
      expect(table.personalData.lookups.map((lookup) => lookup.identifier)).toContain('facebook_asid');
    }
  });

  it('can find an Instagram subject in every table it covers (each has an instagram_scoped_id lookup)', () => {
    for (const table of tablesInScope('instagram', mappedTables())) {
      expect(table.personalData.lookups.map((lookup) => lookup.identifier)).toContain('instagram_scoped_id');
    }
  });

  it('covers no Meta platform table for a WhatsApp message (no WhatsApp identifier is a lookup there)', () => {
    const [metaTable] = mappedTables();
    expect(metaTable).toBeDefined();
    if (!metaTable) return;
    expect(tablesInScope('whatsapp', [metaTable])).toStrictEqual([]);
    expect(CHANNEL_SCOPE.whatsapp).toStrictEqual([]);
  });

  it('lists every category of a mapped table in the scope of some channel', () => {
    const allScoped = new Set(Object.values(CHANNEL_SCOPE).flat());
    for (const table of mappedTables()) {
      for (const category of table.personalData.categories) expect(allScoped).toContain(category);
    }
  });
});
