import type { RuleKey } from '../../../../shared/supervision';
import type { Rule } from '../types';
import { closedRule } from './closed';
import { coldChainRule } from './coldchain';
import { notGivenRule, overstockRule, visitSwapRule } from './recon';
import { exceedRule } from './exceed';
import { roundRule } from './round';
import { shortageRule } from './shortage';
import { spikeRule } from './spike';
import { swapRule } from './swap';
import { codeSwapRule, dupCodeRule, expiredRule, outsideRule, strayRule, unissuedRule } from './trace';

export const RULES: Record<RuleKey, Rule> = {
  spike: spikeRule,
  exceed: exceedRule,
  swap: swapRule,
  round: roundRule,
  closed: closedRule,
  shortage: shortageRule,
  dupcode: dupCodeRule,
  stray: strayRule,
  outside: outsideRule,
  codeswap: codeSwapRule,
  coldchain: coldChainRule,
  notgiven: notGivenRule,
  visitswap: visitSwapRule,
  overstock: overstockRule,
  expired: expiredRule,
  unissued: unissuedRule,
};
