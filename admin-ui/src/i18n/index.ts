/**
 * Interface texts in French and Dutch (complete) and English. One JSON file per language and
 * area (common, agent, studio, census), so each screen's texts live together. Pack texts (labels of
 * fields, states, events) come from the pack itself: see `useLocalized`.
 */
import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { Lang, LocalizedText } from '../api/types';
import frCommon from './locales/fr/common.json';
import nlCommon from './locales/nl/common.json';
import enCommon from './locales/en/common.json';
import frAgent from './locales/fr/agent.json';
import nlAgent from './locales/nl/agent.json';
import enAgent from './locales/en/agent.json';
import frStudio from './locales/fr/studio.json';
import nlStudio from './locales/nl/studio.json';
import enStudio from './locales/en/studio.json';
import frCensus from './locales/fr/census.json';
import nlCensus from './locales/nl/census.json';
import enCensus from './locales/en/census.json';
import frInspections from './locales/fr/inspections.json';
import nlInspections from './locales/nl/inspections.json';
import enInspections from './locales/en/inspections.json';
import frCensusExtra from './locales/fr/census-extra.json';
import nlCensusExtra from './locales/nl/census-extra.json';
import enCensusExtra from './locales/en/census-extra.json';

export const LANGUAGES: Lang[] = ['fr', 'nl', 'en'];

void i18n.use(initReactI18next).init({
  resources: {
    fr: { common: frCommon, agent: frAgent, studio: frStudio, census: frCensus, inspections: frInspections, 'census-extra': frCensusExtra },
    nl: { common: nlCommon, agent: nlAgent, studio: nlStudio, census: nlCensus, inspections: nlInspections, 'census-extra': nlCensusExtra },
    en: { common: enCommon, agent: enAgent, studio: enStudio, census: enCensus, inspections: enInspections, 'census-extra': enCensusExtra },
  },
  lng: 'fr',
  fallbackLng: false,
  ns: ['common', 'agent', 'studio', 'census', 'inspections', 'census-extra'],
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  // A missing key shows as the key itself; the NL end-to-end test fails on any.
  returnNull: false,
});

export function setLanguage(lang: Lang): void {
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export function currentLanguage(): Lang {
  const l = i18n.language;
  return l === 'nl' || l === 'en' ? l : 'fr';
}

/** Picks the user's language from a pack text; English falls back to French. */
export function localized(text: LocalizedText | null | undefined, lang: Lang): string {
  if (!text) return '';
  if (lang === 'en') return text.en ?? text.fr;
  return text[lang];
}

export function useLocalized(): (text: LocalizedText | null | undefined) => string {
  const { i18n: inst } = useTranslation();
  const lang: Lang = inst.language === 'nl' || inst.language === 'en' ? inst.language : 'fr';
  return (text) => localized(text, lang);
}

export default i18n;
