/** Generates the Prisma client when missing or stale; returns true when it generated. */
export function ensurePrismaClient(): boolean;
