import { z } from 'zod';

/** The four Amigo regions and their Platform API hosts (amigo-platform-api.md §1). */
export const REGIONS = ['us-east-1', 'ca-central-1', 'eu-central-1', 'ap-southeast-2'] as const;
export const region = z.enum(REGIONS);
export type Region = z.infer<typeof region>;

export const REGION_API_ORIGINS: Readonly<Record<Region, string>> = {
  'us-east-1': 'https://api.platform.amigo.ai',
  'ca-central-1': 'https://api-ca-central-1.platform.amigo.ai',
  'eu-central-1': 'https://api-eu-central-1.platform.amigo.ai',
  'ap-southeast-2': 'https://api-ap-southeast-2.platform.amigo.ai',
};

export const REGION_LABELS: Readonly<Record<Region, string>> = {
  'us-east-1': 'United States',
  'ca-central-1': 'Canada',
  'eu-central-1': 'European Union',
  'ap-southeast-2': 'Australia',
};
