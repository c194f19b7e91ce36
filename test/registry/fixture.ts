/** A registry file of 50 schools for the tests: 30 in Kampong Cham (by name), 20 in Siem Reap (by code). */
export const HEADER = 'code,name_km,name_en,province,district,commune,level,latitude,longitude';

export function registryOf50(): string {
  const lines = [HEADER];
  for (let i = 1; i <= 50; i++) {
    const kc = i <= 30;
    lines.push(`${kc ? 'KC' : 'SR'}-${String(i).padStart(3, '0')},សាលា ${i},School ${i},${kc ? 'Kampong Cham' : '17'},${kc ? 'Cheung Prey' : 'Puok'},,primary,${(12 + i / 100).toFixed(4)},${(105 + i / 100).toFixed(4)}`);
  }
  return lines.join('\n') + '\n';
}

