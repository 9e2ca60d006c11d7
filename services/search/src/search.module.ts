/** Root module of the search service. */
import { Module, type DynamicModule } from '@nestjs/common';
import { SEARCH_CONFIG, type SearchConfig } from './config.js';
import { SearchController } from './search.controller.js';
import { SearchJobs } from './search-jobs.service.js';

@Module({})
export class SearchModule {
  /** The module with its validated configuration. */
  static forRoot(config: SearchConfig): DynamicModule {
    return {
      module: SearchModule,
      controllers: [SearchController],
      providers: [{ provide: SEARCH_CONFIG, useValue: config }, SearchJobs],
    };
  }
}
