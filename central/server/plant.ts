/**
 * Planted cases for the demo prefecture and for the tests of the cross-hub signals: changes a real package the way
 * a fraud or a pricing difference would show in it, keeping the hub's invariant (closing snapshots follow the ledger),
 * then the hub re-seals it with its own key. A box sold in two townships is planted here too: the demo hubs and the
 * signal tests' generated hubs scan no boxes, so their packages carry no sales of their own.
 */
import type { HubKey } from '../../electron/domain/prefecture/key';
import { sectionsSummary, signManifest } from '../../electron/domain/prefecture/seal';
import type { BuiltPackage, SectionRows } from '../../shared/prefecture/package';

export function reseal(pkg: BuiltPackage, key: HubKey): BuiltPackage {
  const manifest = { ...pkg.manifest, sections: sectionsSummary(pkg.sections) };
  return { ...pkg, manifest, signature: signManifest(manifest, key.privateKey) };
}

/** Multiplies a clinic's dispensing in the month by `factor` (its closing stock follows, so the books still balance). */
export function plantDispensingOutlier(pkg: BuiltPackage, clinicCode: string, factor: number): void {
  const delta = new Map<string, { qty: number; value: number }>();
  for (const r of pkg.sections.ledger) {
    if (r.movement !== 'dispense' || r.clinicCode !== clinicCode || r.storeKind !== 'clinic') continue;
    const dq = Math.round(r.qty * (factor - 1));
    const dv = Math.round(r.amount * (factor - 1));
    r.qty += dq;
    r.amount += dv;
    const d = delta.get(r.nhsaCode) ?? { qty: 0, value: 0 };
    d.qty += dq;
    d.value += dv;
    delta.set(r.nhsaCode, d);
  }
  for (const [nhsa, d] of delta) {
    const closing = pkg.sections.snapshots.find((s) => s.kind === 'closing' && s.storeKind === 'clinic' && s.clinicCode === clinicCode && s.nhsaCode === nhsa);
    if (closing) {
      closing.qty += d.qty;
      closing.value += d.value;
    } else {
      pkg.sections.snapshots.push({
        hubCode: pkg.manifest.hub.code,
        period: pkg.manifest.period,
        kind: 'closing',
        storeKind: 'clinic',
        clinicCode,
        nhsaCode: nhsa,
        qty: d.qty,
        value: d.value,
      });
    }
  }
}

/** Adds a purchase of the same drug, batch and supplier as `like`, at `factor` times its pack price. */
export function plantPrice(pkg: BuiltPackage, like: SectionRows['prices'][number], factor: number): void {
  pkg.sections.prices.push({ ...like, hubCode: pkg.manifest.hub.code, period: pkg.manifest.period, packPrice: Math.round(like.packPrice * factor) });
}

/** A box sold at a clinic of this hub (a dispense trace event on one of the month's dispensing rows). */
export function plantSale(pkg: BuiltPackage, traceCode: string, nth = 0): void {
  const sales = pkg.sections.ledger.filter((r) => r.movement === 'dispense' && r.qty < 0);
  const r = sales[nth % sales.length];
  pkg.sections.traceEvents.push({
    hubCode: pkg.manifest.hub.code,
    period: pkg.manifest.period,
    clinicCode: r.clinicCode,
    nhsaCode: r.nhsaCode,
    traceCode,
    event: 'dispense',
    businessDate: r.businessDate,
    docKey: r.docKey,
    ledgerId: r.ledgerId,
  });
}
