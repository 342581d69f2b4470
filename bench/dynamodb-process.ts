// bench: the DynamoDB stand-in in a process of its own, as the real service is remote from the
// Lambda. Prints its endpoint, then serves until killed.
import { startDynamoDbStandIn } from '../local/stand-ins.js';

const server = await startDynamoDbStandIn(0);
console.log(`DYNAMODB_READY ${server.url}`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
