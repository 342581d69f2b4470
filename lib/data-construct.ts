// infra: the DynamoDB tables, one per entry in TABLES. The service's own tables are created here, encrypted
// with one customer-managed KMS key; the company's tables are imported from the stage's `dataStores` (never
// created or changed), except in a demo stage, which creates empty ones.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type KeyAttribute, type TableDeclaration } from '../functions/declarations/tables.js';
import type { DeploymentConfig } from './config.js';
import { registerDeclaredTable } from './data-map-guard.js';
import { tableSource, type TableSource } from './data-stores.js';
import { serviceKeyPolicy } from './key-policy.js';

export interface DataConstructProps {
  /** The tables to create. Defaults to the declared TABLES; tests pass others to exercise the data-map guard. */
  readonly tables?: readonly TableDeclaration[];
  /** Where the company's tables are; without it every table is created (a demo). */
  readonly stores?: Pick<DeploymentConfig, 'dataStores' | 'demoDataStores'>;
}

/** One table of the stack: created by it or imported, with the key that encrypts it when we know one. */
export interface StackTable {
  readonly table: dynamodb.ITable;
  readonly source: TableSource;
  /** The customer-managed key of the table (ours for created tables; the configured one for imported tables). */
  readonly encryptionKey?: kms.IKey;
}

export class DataConstruct extends Construct {
  readonly tableKey: kms.Key;
  private readonly tablesById = new Map<string, StackTable>();

  constructor(scope: Construct, id: string, props: DataConstructProps = {}) {
    super(scope, id);

    this.tableKey = new kms.Key(this, 'TableKey', {
      policy: serviceKeyPolicy('dynamodb'),
      description: 'Encrypts the deletion service DynamoDB tables.',
      enableKeyRotation: true,
      // The tables are retained; without their key they could never be read again.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const stores = props.stores ?? { dataStores: {}, demoDataStores: true };
    for (const declaration of props.tables ?? TABLES) {
      const source = tableSource(declaration, stores);
      if (source.kind === 'imported') {
        this.tablesById.set(declaration.id, this.importTable(declaration, source));
        continue;
      }
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
      this.tablesById.set(declaration.id, { table, source, encryptionKey: this.tableKey });
    }
  }

  /** The company's existing table: a reference only, so CloudFormation never creates, changes or deletes it. */
  private importTable(
    declaration: TableDeclaration,
    source: Extract<TableSource, { kind: 'imported' }>,
  ): StackTable {
    const encryptionKey = source.encryptionKeyArn
      ? kms.Key.fromKeyArn(this, `${declaration.id}Key`, source.encryptionKeyArn)
      : undefined;
    const table = dynamodb.Table.fromTableAttributes(this, declaration.id, {
      ...(source.tableArn ? { tableArn: source.tableArn } : { tableName: source.tableName }),
      globalIndexes: declaration.indexes.map((index) => index.name),
      ...(encryptionKey ? { encryptionKey } : {}),
    });
    return { table, source, ...(encryptionKey ? { encryptionKey } : {}) };
  }

  /** The table of a declaration, created or imported. */
  table(declaration: Pick<TableDeclaration, 'id'>): dynamodb.ITable {
    return this.stackTable(declaration).table;
  }

  stackTable(declaration: Pick<TableDeclaration, 'id'>): StackTable {
    const found = this.tablesById.get(declaration.id);
    if (!found) throw new Error(`No table was created or imported for declaration ${declaration.id}`);
    return found;
  }
}

function keyAttribute(attribute: KeyAttribute): dynamodb.Attribute {
  const type = attribute.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;
  return { name: attribute.name, type };
}
