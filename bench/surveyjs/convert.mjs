// Converts one of our survey definitions (core/src/templates/*.json, survey-definition/1)
// into a SurveyJS (survey-core 2.x) JSON model in one locale, page for page.
// Widget-only texts (yes/no, consent, phone, e-mail) are the widget's zh-CN strings.

const WIDGET_TEXTS = {
  'zh-CN': { yes: '是', no: '否', na: '不适用', consent: '我愿意接受回访，请联系我', phone: '手机号码', email: '电子邮箱', thanks: '感谢您的反馈！' },
  'zh-TW': { yes: '是', no: '否', na: '不適用', consent: '我願意接受回訪，請聯絡我', phone: '手機號碼', email: '電子郵件', thanks: '感謝您的回饋！' },
  en: { yes: 'Yes', no: 'No', na: 'Not applicable', consent: 'Please contact me', phone: 'Phone', email: 'E-mail', thanks: 'Thank you for your feedback!' },
};

/** SurveyJS locale codes for ours. */
export const SURVEYJS_LOCALE = { 'zh-CN': 'zh-cn', 'zh-TW': 'zh-tw', en: 'en' };

function condition(c) {
  const [[op, arg]] = Object.entries(c);
  switch (op) {
    case 'any': return '(' + arg.map(condition).join(' or ') + ')';
    case 'all': return '(' + arg.map(condition).join(' and ') + ')';
    case 'not': return `!(${condition(arg)})`;
    case 'at_most': return `{${arg.question}} <= ${JSON.stringify(arg.value)}`;
    case 'at_least': return `{${arg.question}} >= ${JSON.stringify(arg.value)}`;
    case 'equals': return `{${arg.question}} = ${JSON.stringify(arg.value)}`;
    default: throw new Error(`show_if operator not converted: ${op}`);
  }
}

export function toSurveyJs(def, locale = def.default_locale) {
  const w = WIDGET_TEXTS[locale] || WIDGET_TEXTS.en;
  const t = (o) => (o == null ? undefined : typeof o === 'string' ? o : o[locale] ?? o[def.default_locale] ?? Object.values(o)[0]);
  const question = (q) => {
    const base = { name: q.id, title: t(q.text), isRequired: !!q.required };
    if (q.show_if) base.visibleIf = condition(q.show_if);
    const input = q.input;
    switch (input.type) {
      case 'yes_no':
        return [{ ...base, type: 'radiogroup', colCount: 0,
          choices: [{ value: 'yes', text: w.yes }, { value: 'no', text: w.no },
            ...(input.allow_na ? [{ value: 'na', text: w.na }] : [])] }];
      case 'rating':
        // SurveyJS ratings have no "not applicable" item; allow_na is dropped.
        // displayMode 'buttons': at 360 px SurveyJS's default ('auto') turns a rating with
        // descriptions into a dropdown; ours shows buttons, so SurveyJS shows buttons too.
        return [{ ...base, type: 'rating', displayMode: 'buttons', rateMin: 1, rateMax: input.points ?? 5,
          minRateDescription: t(input.low), maxRateDescription: t(input.high) }];
      case 'nps':
        return [{ ...base, type: 'rating', displayMode: 'buttons', rateMin: 0, rateMax: 10,
          minRateDescription: t(input.low), maxRateDescription: t(input.high) }];
      case 'single_choice':
        return [{ ...base, type: 'radiogroup', choices: input.options.map((o) => ({ value: o.value, text: t(o.label) })) }];
      case 'multi_choice':
        return [{ ...base, type: 'checkbox', choices: input.options.map((o) => ({ value: o.value, text: t(o.label) })) }];
      case 'text':
        return [{ ...base, type: input.multiline ? 'comment' : 'text', ...(input.max_length ? { maxLength: input.max_length } : {}) }];
      case 'contact': {
        // Ours: a consent box; the phone / e-mail fields appear once it is ticked.
        const fields = (input.channels || []).map((ch) => ({
          type: 'text', name: `${q.id}_${ch}`, title: ch === 'phone' ? w.phone : w.email,
          inputType: ch === 'phone' ? 'tel' : 'email', visibleIf: `{${q.id}} = true`,
        }));
        return [{ ...base, type: 'boolean', renderAs: 'checkbox', label: w.consent }, ...fields];
      }
      case 'hidden':
        // Context the page sets, not asked: SurveyJS needs no element for it.
        return [];
      case 'matrix':
        return [{ ...base, type: 'matrix',
          columns: Array.from({ length: input.points ?? 5 }, (_, i) => ({ value: i + 1, text: String(i + 1) })),
          rows: input.items.map((it) => ({ value: it.id, text: t(it.text) })) }];
      default: throw new Error(`input type not converted: ${input.type}`);
    }
  };
  return {
    title: t(def.title),
    locale: SURVEYJS_LOCALE[locale] || 'en',
    showQuestionNumbers: 'off',
    showProgressBar: 'top',
    progressBarType: 'pages',
    completedHtml: `<h3>${w.thanks}</h3>`,
    pages: def.pages.map((p) => ({ name: p.id, title: t(p.title), elements: p.questions.flatMap(question) })),
  };
}
