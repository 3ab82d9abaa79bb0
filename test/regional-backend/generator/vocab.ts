/**
 * Word lists for synthetic people, places and clinical facts. Everything is fictional; where a
 * real-world list is mimicked (medications, allergens) only generic, common entries are used, and
 * people are made unmistakably synthetic by the PHI marker planted in their names and addresses.
 */
import type { Region } from '../../../shared/amigo';

export const GIVEN_NAMES: ReadonlyArray<readonly [string, 'female' | 'male' | 'other']> = [
  ['Mara', 'female'],
  ['Jonas', 'male'],
  ['Ines', 'female'],
  ['Tobias', 'male'],
  ['Leona', 'female'],
  ['Marcus', 'male'],
  ['Priya', 'female'],
  ['Dmitri', 'male'],
  ['Ayla', 'female'],
  ['Kenji', 'male'],
  ['Rosa', 'female'],
  ['Elias', 'male'],
  ['Nadia', 'female'],
  ['Oskar', 'male'],
  ['Sofia', 'female'],
  ['Hamid', 'male'],
  ['Greta', 'female'],
  ['Luca', 'male'],
  ['Amara', 'female'],
  ['Felix', 'male'],
  ['Yuki', 'female'],
  ['Mateo', 'male'],
  ['Clara', 'female'],
  ['Tariq', 'male'],
  ['Hana', 'female'],
  ['Silas', 'male'],
  ['Noor', 'female'],
  ['Rafael', 'male'],
  ['Elsa', 'female'],
  ['Kofi', 'male'],
  ['Wren', 'other'],
  ['Rowan', 'other'],
  ['Sasha', 'other'],
  ['Ivy', 'female'],
  ['Bastian', 'male'],
  ['Lena', 'female'],
  ['Omar', 'male'],
  ['Freya', 'female'],
  ['Anton', 'male'],
  ['Maeve', 'female'],
];

export const FAMILY_NAMES: readonly string[] = [
  'Lindqvist',
  'Okonkwo',
  'Halvorsen',
  'Castellano',
  'Nakamura',
  'Brennan',
  'Achterberg',
  'Moreau',
  'Kowalczyk',
  'Delacroix',
  'Sørensen',
  'Vasquez',
  'Abernathy',
  'Takahashi',
  'Rautio',
  'Fairweather',
  'Ostrowski',
  'Mbeki',
  'Quintero',
  'Haverford',
  'Lindgren',
  'Petrakis',
  'Whitcombe',
  'Ferreira',
  'Aaltonen',
  'Blackwood',
  'Esposito',
  'Gallagher',
  'Iversen',
  'Jovanovic',
  'Kaplan',
  'Lemaire',
  'Marchetti',
  'Novak',
  'Oyelaran',
  'Pemberton',
  'Rasmussen',
  'Szabo',
  'Thornbury',
  'Underhill',
  'Valdivia',
  'Wexford',
  'Yilmaz',
  'Zimmermann',
  'Ashdown',
  'Birchall',
  'Coppersmith',
  'Dunmore',
];

export const STREET_NAMES: readonly string[] = [
  'Alder',
  'Birch',
  'Cedar',
  'Juniper',
  'Linden',
  'Maple',
  'Hawthorn',
  'Willow',
  'Rowan',
  'Ironbark',
  'Wattle',
  'Heather',
  'Foxglove',
  'Larkspur',
  'Quarry',
  'Mill',
  'Orchard',
  'Harbour',
  'Kestrel',
  'Tamarack',
];
export const STREET_SUFFIXES: readonly string[] = ['Lane', 'Street', 'Road', 'Avenue', 'Drive', 'Court'];

export interface Locale {
  cities: readonly string[];
  regions: readonly string[];
  /** Label the caller uses before the postal code. */
  postalLabel: string;
  postalCode: (digit: () => number, letter: () => string) => string;
  /** MM/DD/YYYY is only said where that order is the local habit. */
  numericDates: boolean;
  /** Fixed UTC offset used for working hours (November, so daylight time where it applies). */
  utcOffsetHours: number;
  language: string;
}

export const LOCALES: Readonly<Record<Region, Locale>> = {
  'us-east-1': {
    cities: ['Fairview', 'Millbrook', 'Cedar Falls', 'Oak Hollow', 'Riverbend'],
    // No 'OH': said before a spoken zip code it would read as a zero.
    regions: ['PA', 'IL', 'IN'],
    postalLabel: 'zip code',
    postalCode: (digit) => `4${digit()}${digit()}${digit()}${digit()}`,
    numericDates: true,
    utcOffsetHours: -5,
    language: 'en',
  },
  'ca-central-1': {
    cities: ['Maple Harbour', 'Port Alder', 'Kingsbridge', 'Lunenfield'],
    regions: ['NS', 'NB'],
    postalLabel: 'postal code',
    postalCode: (digit, letter) => `B${digit()}${letter()} ${digit()}${letter()}${digit()}`,
    numericDates: true,
    utcOffsetHours: -4,
    language: 'en',
  },
  'eu-central-1': {
    cities: ['Lindenhof', 'Ahornfeld', 'Tannstadt', 'Erlenbach'],
    regions: ['BE', 'BB'],
    postalLabel: 'postcode',
    postalCode: (digit) => `1${digit()}${digit()}${digit()}${digit()}`,
    numericDates: false,
    utcOffsetHours: 1,
    language: 'de',
  },
  'ap-southeast-2': {
    cities: ['Wattle Grove', 'Banksia Point', 'Coral Bay', 'Ironbark Ridge'],
    regions: ['NSW', 'QLD'],
    postalLabel: 'postcode',
    postalCode: (digit) => `2${digit()}${digit()}${digit()}`,
    numericDates: false,
    utcOffsetHours: 11,
    language: 'en',
  },
};

export const PHARMACIES: ReadonlyArray<readonly [name: string, location: string]> = [
  ['Greenleaf Pharmacy', 'Birch Road'],
  ['Harbor Drug', 'Quarry Street'],
  ['Medway Pharmacy', 'Orchard Avenue'],
  ['CareRx', 'Mill Lane'],
  ['Corner Apothecary', 'Juniper Court'],
  ['Sunrise Pharmacy', 'Kestrel Drive'],
  ['Pillbox Pharmacy', 'Foxglove Road'],
  ['Riverside Drugs', 'Willow Street'],
  ['Northgate Chemist', 'Larkspur Avenue'],
  ['Bluebell Pharmacy', 'Hawthorn Lane'],
  ['Lighthouse Pharmacy', 'Tamarack Road'],
  ['Evergreen Dispensary', 'Heather Street'],
];

export interface MedicationSpec {
  name: string;
  doses: readonly string[];
  /** A look-alike/sound-alike name: the classic mis-hearing a reviewer must catch. */
  soundAlike: string;
}

export const MEDICATIONS: readonly MedicationSpec[] = [
  { name: 'Lisinopril', doses: ['10 mg', '20 mg', '40 mg'], soundAlike: 'Lovastatin' },
  { name: 'Metformin', doses: ['500 mg', '850 mg', '1000 mg'], soundAlike: 'Metronidazole' },
  { name: 'Atorvastatin', doses: ['10 mg', '20 mg', '40 mg'], soundAlike: 'Rosuvastatin' },
  { name: 'Levothyroxine', doses: ['50 mcg', '75 mcg', '100 mcg'], soundAlike: 'Liothyronine' },
  { name: 'Amlodipine', doses: ['5 mg', '10 mg'], soundAlike: 'Amiloride' },
  { name: 'Sertraline', doses: ['50 mg', '100 mg'], soundAlike: 'Selegiline' },
  { name: 'Omeprazole', doses: ['20 mg', '40 mg'], soundAlike: 'Esomeprazole' },
  { name: 'Losartan', doses: ['25 mg', '50 mg'], soundAlike: 'Valsartan' },
  { name: 'Hydroxyzine', doses: ['10 mg', '25 mg'], soundAlike: 'Hydralazine' },
  { name: 'Celexa', doses: ['20 mg', '40 mg'], soundAlike: 'Celebrex' },
  { name: 'Gabapentin', doses: ['100 mg', '300 mg'], soundAlike: 'Pregabalin' },
  { name: 'Montelukast', doses: ['10 mg'], soundAlike: 'Methocarbamol' },
  { name: 'Metoprolol', doses: ['25 mg', '50 mg'], soundAlike: 'Misoprostol' },
  { name: 'Escitalopram', doses: ['10 mg', '20 mg'], soundAlike: 'Esmolol' },
];

export const FREQUENCIES: readonly string[] = [
  'once a day',
  'twice a day',
  'every morning',
  'at bedtime',
  'three times a day',
  'as needed',
];

export const ALLERGENS: readonly string[] = [
  'penicillin',
  'amoxicillin',
  'sulfa drugs',
  'codeine',
  'ibuprofen',
  'aspirin',
  'latex',
  'peanuts',
  'shellfish',
  'iodine contrast',
  'erythromycin',
  'morphine',
  'bee stings',
  'cephalexin',
];
export const REACTIONS: readonly string[] = ['hives', 'a rash', 'swelling', 'itching', 'nausea', 'wheezing'];
export const SEVERITIES: readonly string[] = ['mild', 'moderate', 'severe'];

export const APPOINTMENT_TYPES: readonly string[] = [
  'follow-up visit',
  'annual physical',
  'sick visit',
  'medication review',
  'lab appointment',
  'vaccination visit',
];
export const APPOINTMENT_REASONS: readonly string[] = [
  'a blood pressure check',
  'a persistent cough',
  'my diabetes check-up',
  'a rash on my arm',
  'refilling my prescriptions',
  'my flu shot',
  'lower back pain',
  'headaches that keep coming back',
  'my thyroid results',
  'a sore knee',
];
export const TIMES_OF_DAY: readonly string[] = ['morning', 'afternoon', 'late afternoon'];

export const INSURERS: readonly string[] = [
  'Bluebird Health Plan',
  'Northstar Mutual',
  'Evergreen Care',
  'Harbourside Insurance',
  'Keystone Benefit Trust',
];

export const PRACTITIONERS: ReadonlyArray<readonly [name: string, specialty: string]> = [
  ['Dr. Ines Okafor', 'family medicine'],
  ['Dr. Samuel Reyes', 'internal medicine'],
  ['Dr. Priya Natarajan', 'paediatrics'],
  ['Dr. Tomas Lindgren', 'family medicine'],
  ['Dr. Hana Sato', 'endocrinology'],
  ['Dr. Grace Mwangi', 'cardiology'],
];

export const MONTH_NAMES: readonly string[] = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const WEEKDAY_NAMES: readonly string[] = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];
