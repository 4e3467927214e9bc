/**
 * Chinese names in the order of a printed list (pinyin), as localeCompare(…, 'zh-Hans-CN') orders them: one collator
 * for the process rather than the locale looked up on every comparison.
 */
export const chineseOrder = new Intl.Collator('zh-Hans-CN');
