export { buildHost, startHost, freePort, type RunningHost } from "./host";
export { browserAvailable, findChromium, launchBrowser, newPhoneContext, recordCspViolations, saveScreenshot } from "./browser";
export { openEventStream, type ServerSentEvent } from "./event-stream";
export { browserSession, sharedKeys, type Answer, type BrowserSession } from "./http-session";
export { linkPath, startMailServer, type MailServer, type ReceivedMail } from "./mail-server";
export { OfflineDevice } from "./offline-device";
export { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@qrcoats/db/testing";
export { acceptInvitation, openVelvetRoom, registerAccount, signedInClient, TEST_PASSWORD, type VelvetRoom } from "./venue-setup";
