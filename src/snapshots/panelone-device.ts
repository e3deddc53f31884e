// A device as PanelOne's RMM API sends it (GET /api/v2/devices). Structurally identical to the
// type of the same name in the integrations module, so either can feed a snapshot.
export interface PanelOneDevice {
  id: string;
  organizationId: string;
  hostname: string;
  serialNumber: string | null;
  deviceClass: string;
  lastContact: string;
  offline: boolean;
  approvalStatus: string;
}
