// Word lists and the product catalog behind the generated world.

export const CLIENT_CORES = [
  'Bright Smile', 'Riverside', 'Summit', 'Oakwood', 'Harbor View', 'Pinnacle', 'Blue Ridge', 'Cedar Creek',
  'Miller & Associates', 'Hartley Brooks', 'Northgate', 'Evergreen', 'Lakeshore', 'Granite State', 'Silver Oak',
  'Keystone', 'Meridian', 'Redwood', 'Copper Canyon', 'Prairie Wind', 'Westfield', 'Ironbridge', 'Maple Grove',
  'Sterling', 'Patel & Chen', "O'Brien Kowalski", 'Fairview', 'Highland', 'Brookstone', 'Clearwater', 'Stonebridge',
  'Alpine', 'Bayside', 'Crescent', 'Falcon', 'Golden Gate', 'Heritage', 'Liberty', 'Mountain View', 'Pacific Crest',
  'Quarry Hill', 'Rosewood', 'Sunrise', 'Timberline', 'Union Square', 'Valley', 'Willow Bend', 'Zenith', 'Atlas',
  'Beacon', 'Canyon', 'Delta', 'Eastside', 'Foxglove', 'Garrison', 'Hawthorne', 'Ivy Lane', 'Juniper', 'Kingsley',
  'Müller & Schmidt', 'Vogel', 'Lindqvist', 'Dubois', 'Nakamura', 'Okafor', 'Romero', 'Sørensen',
];

export const INDUSTRIES = [
  'Dental', 'Family Dentistry', 'Orthodontics', 'Law Group', 'Legal Partners', 'Law Offices', 'Manufacturing',
  'Precision Machining', 'Plastics', 'Accounting', 'CPAs', 'Tax Advisors', 'Veterinary Clinic', 'Animal Hospital',
  'Realty', 'Construction', 'Builders', 'Logistics', 'Freight', 'Medical Group', 'Pediatrics', 'Physical Therapy',
  'Architects', 'Engineering', 'Insurance Agency', 'Credit Union', 'Auto Group', 'Wealth Management', 'Property Management',
  'Chiropractic', 'Eye Care', 'Brewing Company', 'Hotel Group', 'School District', 'Church', 'Nonprofit Foundation',
];

export const LEGAL_SUFFIXES = ['', '', 'Inc', 'Inc.', 'LLC', 'LLC', 'LLP', 'PC', 'PLLC', 'Ltd', 'Co.', 'GmbH', 'Corp.'];

/** [city, state or province, ISO 3166-1 alpha-2 country] */
export const CITIES: Array<[string, string, string]> = [
  ['Denver', 'CO', 'US'], ['Greenwood Village', 'CO', 'US'], ['Austin', 'TX', 'US'], ['Tampa', 'FL', 'US'],
  ['Columbus', 'OH', 'US'], ['Portland', 'OR', 'US'], ['Raleigh', 'NC', 'US'], ['Madison', 'WI', 'US'],
  ['Boise', 'ID', 'US'], ['Albany', 'NY', 'US'], ['Toronto', 'ON', 'CA'], ['Calgary', 'AB', 'CA'],
];

export const FIRST_NAMES = ['Maria', 'James', 'Aisha', 'Chen', 'Olivia', 'Noah', 'Priya', 'Lucas', 'Sofia', 'Ethan', 'Fatima', 'Liam', 'Grace', 'Mateo', 'Hannah', 'Kenji'];
export const LAST_NAMES = ['Garcia', 'Smith', 'Okafor', 'Wang', 'Johnson', 'Patel', 'Muller', 'Rossi', 'Kim', 'Nguyen', 'Brown', 'Hernandez', 'Schmidt', 'Cohen', 'Larsen', 'Novak'];

export interface CatalogItem {
  name: string;
  vendor: string;
  sku: string;
  vendorSku: string;
  short: string;
  category: string;
  perDevice: boolean;
  unit: string;
  monthlySrp: number;
  terms: string[];
  volume?: boolean;
  flatRate?: boolean;
  /** A non-Microsoft product whose quantity Pax8 lets the API lower (most do not). */
  apiDecrease?: boolean;
}

export const CATALOG: CatalogItem[] = [
  { name: 'SentinelOne Singularity Control', vendor: 'SentinelOne', sku: 'S1-CTRL-EP', vendorSku: 'S1-CONTROL-M', short: 'Endpoint protection with device control and firewall.', category: 'endpoint-security', perDevice: true, unit: 'Device', monthlySrp: 6.5, terms: ['Monthly', 'Annual'], volume: true },
  { name: 'SentinelOne Singularity Complete (EDR)', vendor: 'SentinelOne', sku: 'S1-COMP-EP', vendorSku: 'S1-COMPLETE-M', short: 'EDR with threat hunting and rollback.', category: 'edr', perDevice: true, unit: 'Device', monthlySrp: 9.75, terms: ['Monthly', 'Annual'], volume: true },
  { name: 'Huntress Managed EDR', vendor: 'Huntress', sku: 'HUN-MEDR', vendorSku: 'HUNTRESS-EDR', short: 'Managed endpoint detection and response, 24/7 SOC.', category: 'edr', perDevice: true, unit: 'Endpoint', monthlySrp: 4.5, terms: ['Monthly'], apiDecrease: true },
  { name: 'Acronis Cyber Protect Cloud - Workstation Backup', vendor: 'Acronis', sku: 'ACR-CPC-WS', vendorSku: 'SP1AMSENS', short: 'Image backup for workstations, per workstation.', category: 'backup', perDevice: true, unit: 'Workstation', monthlySrp: 5.25, terms: ['Monthly', 'Annual'] },
  { name: 'Datto Endpoint Backup for PCs', vendor: 'Datto', sku: 'DTO-EBPC', vendorSku: 'EBPC-1TB', short: 'Cloud-first backup for Windows PCs.', category: 'backup', perDevice: true, unit: 'Device', monthlySrp: 7.0, terms: ['Monthly', 'Annual'] },
  { name: 'N-able N-sight RMM Agent', vendor: 'N-able', sku: 'NABLE-NSIGHT', vendorSku: 'NSIGHT-WS', short: 'RMM agent licence per managed device.', category: 'rmm-agent', perDevice: true, unit: 'Device', monthlySrp: 2.1, terms: ['Monthly'], apiDecrease: true },
  { name: 'Bitdefender GravityZone Business Security', vendor: 'Bitdefender', sku: 'BD-GZ-BS', vendorSku: 'GZ-BS-1Y', short: 'Antivirus and anti-malware for endpoints.', category: 'antivirus', perDevice: true, unit: 'Device', monthlySrp: 2.95, terms: ['Monthly', 'Annual', '3-Year'] },
  { name: 'Webroot Business Endpoint Protection', vendor: 'OpenText', sku: 'WR-BEP', vendorSku: 'WRB-EP-M', short: 'Cloud-based antivirus.', category: 'antivirus', perDevice: true, unit: 'Device', monthlySrp: 2.5, terms: ['Monthly'] },
  { name: 'Acronis Cyber Protect Cloud - Site Licence', vendor: 'Acronis', sku: 'ACR-CPC-SITE', vendorSku: 'SP1SITE', short: 'Flat-rate site fee.', category: 'platform-fee', perDevice: false, unit: 'Site', monthlySrp: 49, terms: ['Monthly'], flatRate: true },
  { name: 'Microsoft 365 Business Premium', vendor: 'Microsoft', sku: 'MST-M365-BP', vendorSku: 'CFQ7TTC0LCHC:0002', short: 'Office apps, Exchange, Intune and Defender for Business.', category: 'productivity', perDevice: false, unit: 'User', monthlySrp: 22, terms: ['Monthly', 'Annual', '3-Year'] },
  { name: 'Microsoft 365 Business Basic', vendor: 'Microsoft', sku: 'MST-M365-BB', vendorSku: 'CFQ7TTC0LH18:0001', short: 'Web and mobile Office apps, Exchange and Teams.', category: 'productivity', perDevice: false, unit: 'User', monthlySrp: 6, terms: ['Monthly', 'Annual'] },
  { name: 'Exchange Online (Plan 1)', vendor: 'Microsoft', sku: 'MST-EXO-P1', vendorSku: 'CFQ7TTC0LH16:0001', short: 'Business email, 50 GB mailbox.', category: 'email', perDevice: false, unit: 'User', monthlySrp: 4, terms: ['Monthly', 'Annual'] },
  { name: 'Proofpoint Essentials - Business', vendor: 'Proofpoint', sku: 'PP-ESS-BUS', vendorSku: 'PPE-BUS', short: 'Email security per mailbox.', category: 'email-security', perDevice: false, unit: 'User', monthlySrp: 3.5, terms: ['Monthly'] },
  { name: 'Keeper Business', vendor: 'Keeper Security', sku: 'KPR-BUS', vendorSku: 'KEEPER-BUS-1Y', short: 'Password manager per user.', category: 'identity', perDevice: false, unit: 'User', monthlySrp: 3.75, terms: ['Annual'] },
];
