// placeholder until the audit-log parser lands
