import type { FormRule } from 'antd';
import { newPassword } from '../../../shared/contract/auth';

export const PASSWORD_HINT = '至少 8 位，须同时包含字母和数字';

/** The form checks a new password with the server's own policy, so both always say the same thing. */
export function passwordRules(requiredMessage: string): FormRule[] {
  return [
    { required: true, message: requiredMessage },
    {
      validator: (_, value?: string) => {
        if (!value) return Promise.resolve();
        const result = newPassword.safeParse(value);
        return result.success ? Promise.resolve() : Promise.reject(new Error(result.error.issues[0].message));
      },
    },
  ];
}

/** "Type it again": must equal the field named `field`. */
export function confirmPasswordRules(field: string, requiredMessage: string): FormRule[] {
  return [
    { required: true, message: requiredMessage },
    ({ getFieldValue }) => ({
      validator: (_, value) => (value === getFieldValue(field) ? Promise.resolve() : Promise.reject(new Error('两次输入的密码不一致'))),
    }),
  ];
}
