import type { AssetRepository } from '../repositories/asset.repository.js';
import type { Library, LibraryRepository } from '../repositories/library.repository.js';
import { BadUserInputException, ConflictException, NotFoundException } from '../errors/app.exception.js';

const MAX_LIBRARY_NAME = 120;

export class LibraryService {
  constructor(
    private readonly libraries: LibraryRepository,
    private readonly assets: AssetRepository,
  ) {}

  async create(name: string, description?: string | null): Promise<Library> {
    const clean = name.trim();
    if (!clean || clean.length > MAX_LIBRARY_NAME) throw new BadUserInputException(`a library name has 1 to ${MAX_LIBRARY_NAME} characters`);
    if (await this.libraries.findByName(clean)) throw new ConflictException(`a library named "${clean}" already exists`);
    return this.libraries.create(clean, description ?? null);
  }

  list(): Promise<Library[]> {
    return this.libraries.list();
  }

  get(id: string): Promise<Library | null> {
    return this.libraries.findById(id);
  }

  async require(id: string): Promise<Library> {
    const lib = await this.libraries.findById(id);
    if (!lib) throw new NotFoundException(`library ${id} does not exist`);
    return lib;
  }

  async delete(id: string): Promise<boolean> {
    if (!(await this.libraries.delete(id))) throw new NotFoundException(`library ${id} does not exist`);
    return true;
  }

  async addAssets(id: string, assetIds: string[]): Promise<Library> {
    const lib = await this.require(id);
    const unique = [...new Set(assetIds)];
    const found = new Set(await this.assets.existingIds(unique));
    const missing = unique.filter((a) => !found.has(a));
    if (missing.length) throw new NotFoundException(`asset(s) ${missing.slice(0, 5).join(', ')} do not exist`);
    await this.libraries.addAssets(id, unique);
    return lib;
  }

  async removeAssets(id: string, assetIds: string[]): Promise<Library> {
    const lib = await this.require(id);
    await this.libraries.removeAssets(id, [...new Set(assetIds)]);
    return lib;
  }

  /** by library id; a library with no assets has no entry */
  countAssets(ids: string[]): Promise<Map<string, number>> {
    return this.libraries.countAssets(ids);
  }

  assetIds(id: string): Promise<string[]> {
    return this.assets.idsInLibrary(id);
  }
}
