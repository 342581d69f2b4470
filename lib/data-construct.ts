// infra: the DynamoDB tables, one per entry in TABLES, all encrypted with one customer-managed KMS key.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type KeyAttribute, type TableDeclaration } from '../functions/declarations/tables.js';
import { registerDeclaredTable } from './data-map-guard.js';
import { serviceKeyPolicy } from './key-policy.js';

export interface DataConstructProps {
  /** The tables to create. Defaults to the declared TABLES; tests pass others to exercise the data-map guard. */
  readonly tables?: readonly TableDeclaration[];
}

export class DataConstruct extends Construct {
  readonly tableKey: kms.Key;
  private readonly tablesById = new Map<string, dynamodb.Table>();

  constructor(scope: Construct, id: string, props: DataConstructProps = {}) {
    super(scope, id);

    this.tableKey = new kms.Key(this, 'TableKey', {
      policy: serviceKeyPolicy('dynamodb'),
      description: 'Encrypts the deletion service DynamoDB tables.',
      enableKeyRotation: true,
      // The tables are retained; without their key they could never be read again.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const declaration of props.tables ?? TABLES) {
      const table = new dynamodb.Table(this, declaration.id, {
        partitionKey: keyAttribute(declaration.partitionKey),
        sortKey: declaration.sortKey && keyAttribute(declaration.sortKey),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.tableKey,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        timeToLiveAttribute: declaration.ttlAttribute,
        // Deleting the stack must not delete requests still owed to people, nor their audit trail.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const index of declaration.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: keyAttribute(index.partitionKey),
          sortKey: index.sortKey && keyAttribute(index.sortKey),
        });
      }
      registerDeclaredTable(table, declaration);
      this.tablesById.set(declaration.id, table);
    }
  }

  /** The table created for a declaration. */
  table(declaration: Pick<TableDeclaration, 'id'>): dynamodb.Table {
    const table = this.tablesById.get(declaration.id);
    if (!table) throw new Error(`No table was created for declaration ${declaration.id}`);
    return table;
  }
}

function keyAttribute(attribute: KeyAttribute): dynamodb.Attribute {
  const type = attribute.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;
  return { name: attribute.name, type };
}
