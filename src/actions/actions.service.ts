import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor.js';
import type { ActionDto, ActionListQuery, ActionListResponseDto, ApproveActionDto, ProposeActionDto } from './dto/actions.dto.js';

@Injectable()
export class ActionsService {
  propose(_tenantId: string, _by: Actor, _body: ProposeActionDto): Promise<ActionDto> { throw new Error('not yet'); }
  list(_tenantId: string, _q: ActionListQuery): Promise<ActionListResponseDto> { throw new Error('not yet'); }
  get(_tenantId: string, _id: string): Promise<ActionDto> { throw new Error('not yet'); }
  approve(_tenantId: string, _by: Actor, _id: string, _body: ApproveActionDto): Promise<ActionDto> { throw new Error('not yet'); }
  cancel(_tenantId: string, _by: Actor, _id: string): Promise<ActionDto> { throw new Error('not yet'); }
}
