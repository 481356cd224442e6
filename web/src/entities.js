// The four CRM item types as the UI shows them: ids, methods, the stage field, the title, the
// default list columns and the fields of the card.
import { statusName, stageEntity } from './state.js';

export const TYPES = {
  lead: {
    id: 1, name: 'lead', method: 'crm.lead', stageField: 'STATUS_ID', hasStages: true, hasKanban: true,
    columns: ['ID', 'TITLE', 'STATUS_ID', 'NAME', 'OPPORTUNITY', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    searchField: '%TITLE',
  },
  deal: {
    id: 2, name: 'deal', method: 'crm.deal', stageField: 'STAGE_ID', hasStages: true, hasKanban: true,
    columns: ['ID', 'TITLE', 'STAGE_ID', 'OPPORTUNITY', 'COMPANY_ID', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    searchField: '%TITLE',
  },
  contact: {
    id: 3, name: 'contact', method: 'crm.contact', stageField: null, hasStages: false, hasKanban: false,
    columns: ['ID', 'NAME', 'POST', 'COMPANY_ID', 'PHONE', 'EMAIL', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    searchField: '%LAST_NAME',
  },
  company: {
    id: 4, name: 'company', method: 'crm.company', stageField: null, hasStages: false, hasKanban: false,
    columns: ['ID', 'TITLE', 'COMPANY_TYPE', 'INDUSTRY', 'PHONE', 'EMAIL', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    searchField: '%TITLE',
  },
};

export const TYPE_BY_ID = { 1: 'lead', 2: 'deal', 3: 'contact', 4: 'company' };

export function itemTitle(type, item) {
  if (!item) return '';
  if (type === 'contact' || (type === 'lead' && !item.TITLE))
    return [item.NAME, item.SECOND_NAME, item.LAST_NAME].filter(Boolean).join(' ') || `#${item.ID}`;
  return item.TITLE || `#${item.ID}`;
}

// The reference list a status-typed field points into (crm.X.fields gives statusType; a deal's
// STAGE_ID depends on its pipeline).
export function statusEntityOf(type, field, desc, item) {
  if (type === 'deal' && field === 'STAGE_ID') return stageEntity(item?.CATEGORY_ID || 0);
  return desc?.statusType || null;
}

export function stageOf(type, item) {
  const t = TYPES[type];
  return t.stageField ? item[t.stageField] : null;
}

export function stageLabel(type, item) {
  if (type === 'lead') return statusName('STATUS', item.STATUS_ID);
  if (type === 'deal') return statusName(stageEntity(item.CATEGORY_ID || 0), item.STAGE_ID);
  return '';
}

// Sections of the card: the fields a manager works with first, then the rest by the API's order.
export const SECTIONS = {
  lead: [
    ['about', ['TITLE', 'STATUS_ID', 'OPPORTUNITY', 'CURRENCY_ID', 'SOURCE_ID', 'SOURCE_DESCRIPTION', 'ASSIGNED_BY_ID', 'COMMENTS']],
    ['client', ['HONORIFIC', 'NAME', 'SECOND_NAME', 'LAST_NAME', 'BIRTHDATE', 'POST', 'COMPANY_TITLE', 'PHONE', 'EMAIL', 'WEB', 'IM', 'ADDRESS', 'ADDRESS_CITY']],
  ],
  deal: [
    ['about', ['TITLE', 'STAGE_ID', 'OPPORTUNITY', 'CURRENCY_ID', 'TYPE_ID', 'SOURCE_ID', 'PROBABILITY', 'BEGINDATE', 'CLOSEDATE', 'ASSIGNED_BY_ID', 'COMMENTS']],
    ['client', ['COMPANY_ID', 'CONTACT_IDS']],
  ],
  contact: [
    ['about', ['HONORIFIC', 'NAME', 'SECOND_NAME', 'LAST_NAME', 'POST', 'TYPE_ID', 'SOURCE_ID', 'BIRTHDATE', 'ASSIGNED_BY_ID', 'COMMENTS']],
    ['client', ['PHONE', 'EMAIL', 'WEB', 'IM', 'COMPANY_IDS', 'ADDRESS', 'ADDRESS_CITY']],
  ],
  company: [
    ['about', ['TITLE', 'COMPANY_TYPE', 'INDUSTRY', 'EMPLOYEES', 'REVENUE', 'CURRENCY_ID', 'ASSIGNED_BY_ID', 'COMMENTS']],
    ['client', ['PHONE', 'EMAIL', 'WEB', 'IM', 'CONTACT_ID', 'ADDRESS', 'ADDRESS_CITY', 'BANKING_DETAILS']],
  ],
};

// Fields the card never offers for editing even when the API allows writing them.
export const HIDDEN = new Set(['ID', 'CONTACT_ID_', 'IS_MANUAL_OPPORTUNITY', 'LEAD_ID', 'ORIGINATOR_ID', 'ORIGIN_ID',
  'CATEGORY_ID', 'HAS_PHONE', 'HAS_EMAIL', 'HAS_IMOL', 'STATUS_SEMANTIC_ID', 'STAGE_SEMANTIC_ID', 'LINK']);
