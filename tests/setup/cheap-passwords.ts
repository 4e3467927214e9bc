import { useCheapHashingInTests } from '../../electron/domain/auth/passwords';

// Unit tests make many users; production-strength scrypt would cost each of them a second on a loaded machine.
useCheapHashingInTests();
