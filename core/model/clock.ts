/**
 * The clock bound of an HA network. Seeds 000, 002, 003 and 004 (000_18dbf9d1c373b09f.txt,
 * 002_c6ce0ee242701b9d.txt, 003_a4f0301adabc394b.txt, 004_f9c19963f33757ec.txt): "make sure that
 * the time on the servers of the HA network does not differ by more than one minute". That is a
 * bound between any two servers. Each node can only measure itself against its NTP sources, so
 * the gate gives every node half of it: when each clock is within 30 s of true time, any two are
 * within 30 + 30 = 60 s of each other (triangle inequality), whichever node or NTP server they use.
 * A node's distance from true time is bounded by chrony's own error estimate, |system time
 * offset| + root delay / 2 + root dispersion (chronyc tracking), so the gate checks that sum, not
 * the offset alone.
 */

/** Seed bound between any two servers, in seconds. */
export const MAX_SERVER_CLOCK_DIFFERENCE_SECONDS = 60;

/** What each node may be off true time, so that any two stay within the seed bound. */
export const MAX_NODE_CLOCK_ERROR_SECONDS = MAX_SERVER_CLOCK_DIFFERENCE_SECONDS / 2;
