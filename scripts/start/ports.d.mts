export interface PortHolder { pid: number; command: string }
export interface NamedPort { port: number; envName: string; role: string }
export function tryBind(host: string, port: number): Promise<string | null>;
export function portHolders(port: number): PortHolder[];
export function busyPorts(host: string, ports: NamedPort[]): Promise<string[]>;
